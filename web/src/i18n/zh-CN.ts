export default {
  app: { title: '先锋枢纽', console: '先锋枢纽 · 工作台' },
  lang: { switch: 'English' },
  status: {
    submitted: '待受理', accepted: '已受理', rejected: '不予受理', dispatched: '已派单', handling: '办理中',
    resolved: '已办结', closed: '已结案', rated: '已评价', merged: '已合并',
  },
  errors: {
    generic: '出错了，请稍后再试',
    network_unreachable: '网络不可用，请检查网络后重试',
    auth_invalid_credentials: '用户名或密码错误',
    auth_locked: '登录失败次数过多，请稍后再试',
    auth_required: '请先登录',
    auth_forbidden: '您的账号无权进行此操作',
    request_invalid: '填写的内容有误，请检查后重试',
    request_too_large: '文件太大',
    request_unsupported_media_type: '请上传 JPEG、PNG 或 WebP 图片',
    route_not_found: '未找到',
    appeal_invalid_transition: '当前状态下不能进行此操作',
    appeal_track_locked: '尝试次数过多，请 15 分钟后再试',
    server_db_unavailable: '服务暂时不可用，请稍后再试',
  },
};
