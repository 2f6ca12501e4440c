import { closeDatabase, getDatabase } from './pool.js';
import { migrate } from './migrate.js';

const applied = await migrate(await getDatabase());
console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
await closeDatabase();
