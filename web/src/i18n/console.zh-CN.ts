// Strings of the console app (zh-CN). Owned by the console app; shared ones are in ./zh-CN.ts.
export default {
  common: {
    retry: '重试', cancel: '取消', confirm: '确定', submit: '提交', back: '返回', noData: '暂无数据', language: '语言',
  },
  map: { title: '网格地图', level: '层级', grids: '网格', communities: '社区', legend: '{units} 个区域，{appeals} 件在办诉求', openN: '在办诉求 {n} 件' },
  qr: { title: '驿站二维码', pickCommunity: '选择社区', print: '打印', alt: '{name} 的二维码', scan: '扫码反映诉求 · 一码解忧' },
  nav: { org: '组织与居民', qr: '二维码', map: '地图', label: '主菜单', home: '首页', queue: '工作队列', signOut: '退出登录' },
  org: {
    title: '组织与居民', tree: '组织架构', pick: '请在左侧选择一个单位', residents: '居民', households: '住户',
    party: '党员', reveal: '查看', revealFor: '查看 {name} 的手机号和身份证号',
    revealConfirm: '将显示 {name} 的完整手机号和身份证号，本次查看会记入审计日志。确定查看吗？',
    f: { name: '姓名', gender: '性别', age: '年龄', phone: '手机号', id_number: '身份证号', tags: '标签', actions: '操作', room: '房号', address: '地址', residents: '居民人数' },
    gender: { male: '男', female: '女', unknown: '未知' },
    kind: { district: '区', street: '街道', community: '社区', grid: '网格', building: '楼栋', unknown: '' },
    tag: { living_alone: '独居', all_elderly: '纯老户', disabled: '残疾', low_income: '低收入', aged_80_plus: '80岁以上', child: '儿童' },
  },
  login: { username: '用户名', password: '密码', submit: '登录' },
  home: {
    title: '工作概况', period: '{from} 至 {to}', byUnit: '下级单位受理与结案', byCategory: '诉求类别分布',
  },
  kpi: {
    received: '受理量', closed: '结案量', closure_rate: '结案率', on_time_rate: '按期结案率', rework_rate: '返工率',
    satisfaction_rate: '满意率', mean_handling_hours: '平均办理时长', p90_handling_hours: '90% 办理时长',
    acceptedN: '已受理 {n} 件', closedN: '已结案 {n} 件', onTimeN: '按期结案 {n} 件', reworkedN: '返工 {n} 件',
    ratedN: '已评价 {n} 件', hours: '小时',
  },
  queue: {
    title: '工作队列', search: '搜索', searchPlaceholder: '标题、描述、地址或案件编号',
    overdue: '已超期', loadMore: '加载更多', end: '没有更多了',
    tabs: { submitted: '待受理', accepted: '待派单', handling: '办理中', overdue: '已超期', resolved: '待核查' },
  },
  field: {
    case_no: '案件编号', title: '标题', category: '类别', unit: '发生地', handler_unit: '承办单位', status: '状态',
    created_at: '提交时间', deadline: '期限', channel: '来源渠道', assignee: '承办人', address: '地址',
    accept_due: '受理期限', accepted_at: '受理时间', handle_due: '办理期限', resolved_at: '办结时间', closed_at: '结案时间',
    rating: '评价', counts: '返工/上提/重办', extension: '延期申请', merged_into: '已合并至', contact: '联系人',
    description: '描述',
  },
  channel: { app: '居民端', qr: '扫码', phone: '电话', walk_in: '来访', hotline: '热线', patrol: '网格巡查', open311: 'Open311' },
  rating: { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' },
  case: {
    title: '诉求', photos: '照片', photoAlt: '照片 {n}', links: '关联诉求', actions: '办理', noActions: '当前没有可进行的操作',
    timeline: '办理过程', reveal: '查看号码', revealConfirm: '查看完整号码将被记录在审计日志中，仅用于回访。确定查看吗？',
    counts: '{rework} / {esc} / {reopen}', done: '已完成：{action}',
  },
  actions: {
    submit: '提交', accept: '受理', reject: '不予受理', dispatch: '派单', sign: '签收', return: '回退', resolve: '办结',
    escalate: '上提', transfer: '转办', extend: '申请延期', approve_extension: '审批延期', verify: '核查', rate: '回访评价',
    merge: '合并', link: '关联', comment: '备注', supervise: '督办', auto_escalate: '超期自动上提',
  },
  form: {
    onTheSpot: '就地办理（由本单位办理）', unit: '单位', chooseUnit: '请选择单位', assignee: '承办人账号 ID',
    optional: '选填', hours: '延期小时数', approved: '同意延期', passed: '核查通过', rating: '评价结果',
    into: '合并到（诉求 ID）', otherId: '关联诉求 ID', photos: '办结照片', note: '备注', reason: '理由', result: '办理结果',
    extensionAsked: '申请延期 {hours} 小时：{reason}', noteRequired: '请填写理由或说明', unitRequired: '请选择单位',
    idRequired: '请填写诉求 ID',
  },
};
