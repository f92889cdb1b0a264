// Strings of the console app (zh-CN). Owned by the console app; shared ones are in ./zh-CN.ts.
export default {};
