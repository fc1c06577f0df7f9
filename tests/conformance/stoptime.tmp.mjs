import { startServer, createAccount, catalogClient, call } from '/work/main/tests/conformance/lib/server.mjs';
const s = await startServer();
const seller = createAccount(s, 'SELLER', 'x');
const c = catalogClient(s, seller);
await call(c, 'ListEntities', { Catalog: 'AWSMarketplace', EntityType: 'AmiProduct' });
let t = Date.now();
await s.stop();
console.log('stop ms', Date.now() - t);
console.log(s.stderr().slice(-800));
