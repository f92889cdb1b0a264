// units.mjs — small helpers the API tests of one district share: a unit found by its code,
// a refusal checked by status, code and field, and every string of a JSON value (for the
// public answers' "names nobody" walks).
import assert from 'node:assert/strict';

// The unit with this code (a street has 9 digits, a community 12, a grid 15), read as client.
export async function findUnit(client, code) {
  const kind = { 9: 'street', 12: 'community', 15: 'grid' }[code.length];
  for (let cursor = '';;) {
    const r = await client.get(`/api/v1/units?kind=${kind}&limit=500${cursor}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const u = r.body.items.find((x) => x.code === code);
    if (u) return u;
    assert.ok(r.body.next_cursor, `fixture: unit ${code}`);
    cursor = `&cursor=${r.body.next_cursor}`;
  }
}

// An error answer: its status, its code and, when given, the field it names.
export function assertError(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  if (field) assert.equal(r.body.error.details.field, field, JSON.stringify(r.body));
}

// Every string in a JSON value, keys included.
export function strings(v, out = []) {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push(k); strings(x, out); }
  return out;
}
