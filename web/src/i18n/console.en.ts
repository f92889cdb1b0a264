// Strings of the console app (en). Owned by the console app; shared ones are in ./en.ts.
export default {
  common: {
    retry: 'Retry', cancel: 'Cancel', confirm: 'OK', submit: 'Submit', back: 'Back', noData: 'No data', language: 'Language',
  },
  map: { title: 'Grid map', level: 'Level', grids: 'Grids', communities: 'Communities', legend: '{units} areas, {appeals} open appeals', openN: '{n} open appeals' },
  qr: { title: 'Station QR codes', pickCommunity: 'Choose a community', print: 'Print', alt: 'QR code of {name}', scan: 'Scan to report a problem' },
  nav: { org: 'Organisation & residents', qr: 'QR codes', map: 'Map', label: 'Main menu', home: 'Home', queue: 'Work queue', signOut: 'Sign out' },
  org: {
    title: 'Organisation & residents', tree: 'Organisation', pick: 'Choose a unit on the left', residents: 'Residents', households: 'Households',
    party: 'Party member', reveal: 'View', revealFor: 'View the phone and ID number of {name}',
    revealConfirm: 'This shows the full phone and ID number of {name}. The view is recorded in the audit log. Continue?',
    f: { name: 'Name', gender: 'Gender', age: 'Age', phone: 'Phone', id_number: 'ID number', tags: 'Tags', actions: 'Actions', room: 'Room', address: 'Address', residents: 'Residents' },
    gender: { male: 'Male', female: 'Female', unknown: 'Unknown' },
    kind: { district: 'District', street: 'Street', community: 'Community', grid: 'Grid', building: 'Building', unknown: '' },
    tag: { living_alone: 'Lives alone', all_elderly: 'All elderly', disabled: 'Disabled', low_income: 'Low income', aged_80_plus: 'Aged 80+', child: 'Child' },
  },
  login: { username: 'User name', password: 'Password', submit: 'Sign in' },
  home: {
    title: 'Overview', period: '{from} to {to}', byUnit: 'Received and closed by sub-unit', byCategory: 'Appeals by category',
  },
  kpi: {
    received: 'Received', closed: 'Closed', closure_rate: 'Closure rate', on_time_rate: 'On-time closure rate',
    rework_rate: 'Rework rate', satisfaction_rate: 'Satisfaction rate', mean_handling_hours: 'Mean handling time',
    p90_handling_hours: '90th percentile handling time',
    acceptedN: '{n} accepted', closedN: '{n} closed', onTimeN: '{n} closed on time', reworkedN: '{n} reworked',
    ratedN: '{n} rated', hours: 'hours',
  },
  queue: {
    title: 'Work queue', search: 'Search', searchPlaceholder: 'Title, description, address or case number',
    overdue: 'Overdue', loadMore: 'Load more', end: 'No more',
    tabs: { submitted: 'To accept', accepted: 'To dispatch', handling: 'In hand', overdue: 'Overdue', resolved: 'To verify' },
  },
  field: {
    case_no: 'Case no.', title: 'Title', category: 'Category', unit: 'Place', handler_unit: 'Handler unit', status: 'Status',
    created_at: 'Submitted', deadline: 'Deadline', channel: 'Channel', assignee: 'Assignee', address: 'Address',
    accept_due: 'Accept by', accepted_at: 'Accepted', handle_due: 'Handle by', resolved_at: 'Resolved', closed_at: 'Closed',
    rating: 'Rating', counts: 'Rework / escalations / reopened', extension: 'Extension request', merged_into: 'Merged into',
    contact: 'Contact', description: 'Description',
  },
  channel: { app: 'Residents\' app', qr: 'QR code', phone: 'Phone', walk_in: 'Walk-in', hotline: 'Hotline', patrol: 'Grid patrol', open311: 'Open311' },
  rating: { satisfied: 'Satisfied', basically_satisfied: 'Basically satisfied', unsatisfied: 'Unsatisfied' },
  case: {
    title: 'Appeal', photos: 'Photos', photoAlt: 'Photo {n}', links: 'Linked appeals', actions: 'Actions',
    noActions: 'Nothing you can do on this appeal now', timeline: 'Timeline', reveal: 'Show number',
    revealConfirm: 'Showing the full number is recorded in the audit log and is for follow-up calls only. Show it?',
    counts: '{rework} / {esc} / {reopen}', done: 'Done: {action}',
  },
  actions: {
    submit: 'Submitted', accept: 'Accept', reject: 'Reject', dispatch: 'Dispatch', sign: 'Sign for', return: 'Return',
    resolve: 'Resolve', escalate: 'Escalate', transfer: 'Transfer', extend: 'Request extension',
    approve_extension: 'Decide extension', verify: 'Verify', rate: 'Record rating', merge: 'Merge', link: 'Link',
    comment: 'Comment', supervise: 'Supervision notice', auto_escalate: 'Escalated (overdue)',
  },
  form: {
    onTheSpot: 'On the spot (handled by this unit)', unit: 'Unit', chooseUnit: 'Choose a unit', assignee: 'Assignee account ID',
    optional: 'optional', hours: 'Extra hours', approved: 'Approve', passed: 'Passed', rating: 'Rating',
    into: 'Merge into (appeal ID)', otherId: 'Other appeal ID', photos: 'Photos of the result', note: 'Note', reason: 'Reason',
    result: 'Result', extensionAsked: '{hours} more hours asked: {reason}', noteRequired: 'Please give a reason or note',
    unitRequired: 'Please choose a unit', idRequired: 'Please enter the appeal ID',
  },
};
