// Strings of the console app (en). Owned by the console app; shared ones are in ./en.ts.
export default {};
