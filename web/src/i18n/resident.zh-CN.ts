// Strings of the resident app (zh-CN). Owned by the resident app; shared ones are in ./zh-CN.ts.
export default {};
