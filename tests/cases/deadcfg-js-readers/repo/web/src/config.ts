// process.env.POOL_G_UNREAD in a comment is not a read
const a = process.env.POOL_A;
const b = process.env['POOL_B'];
const { POOL_C, POOL_D: d = '4' } = process.env;
const e = import.meta.env.POOL_E;
const f = process.env?.POOL_F;
const s = "process.env.POOL_G_UNREAD in a string is not a read";
export default { a, b, POOL_C, d, e, f, s };
