export default {
  app: { title: 'Pioneer Hub', console: 'Pioneer Hub · Console' },
  lang: { switch: '中文' },
  status: {
    submitted: 'Submitted', accepted: 'Accepted', rejected: 'Rejected', dispatched: 'Dispatched', handling: 'In hand',
    resolved: 'Resolved', closed: 'Closed', rated: 'Rated', merged: 'Merged',
  },
  errors: {
    generic: 'Something went wrong; please try again later',
    network_unreachable: 'No network; check the connection and try again',
    auth_invalid_credentials: 'Wrong user name or password',
    auth_locked: 'Too many failed sign-ins; try again later',
    auth_required: 'Please sign in first',
    auth_forbidden: 'Your account may not do this',
    request_invalid: 'Something you entered is not valid; please check it',
    request_too_large: 'The file is too large',
    request_unsupported_media_type: 'Please upload a JPEG, PNG or WebP photo',
    route_not_found: 'Not found',
    appeal_invalid_transition: 'This action is not possible in the current state',
    appeal_track_locked: 'Too many tries; wait 15 minutes',
    server_db_unavailable: 'The service is unavailable; please try again later',
  },
};
