// Strings of the resident app (en). Owned by the resident app; shared ones are in ./en.ts.
export default {};
