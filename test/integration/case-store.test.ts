import { type Case, caseContentSchema } from '../../src/domain/case';
import { CaseStore } from '../../src/store/case-store';
import { testRedis } from '../support/test-redis';

// Cases on a real Redis: what is stored reads back whole, and a case one of
// whose fields cannot be read is refused naming its key and the field.

describe('case store', () => {
  const redis = testRedis();
  const store = new CaseStore(redis.connect(), redis.prefix, 1);
  const at = new Date().toISOString();
  const record: Case = {
    ...caseContentSchema.parse({ reason: 'Router drops', customer: { id: 'C-1' }, notes: ['reset'], fields: { plan: 'fibre' } }),
    id: 'case-1',
    callId: 'call-1',
    createdBy: 'ana',
    createdAt: at,
    updatedAt: at,
    readers: ['ana', 'bo'],
  };

  afterAll(() => redis.close());

  it('reads back what it stored', async () => {
    await store.create(record);
    await expect(store.get('case-1')).resolves.toEqual(record);
  });

  it('refuses a case with a field that is not JSON, or of the wrong kind, naming the key and the field', async () => {
    await store.create({ ...record, id: 'case-2' });
    await redis.connect().hset(`${redis.prefix}case:case-2`, 'notes', '["reset"');
    await expect(store.get('case-2')).rejects.toThrow(`case "case-2" (${redis.prefix}case:case-2) cannot be read: notes: `);

    await store.create({ ...record, id: 'case-3' });
    await redis.connect().hset(`${redis.prefix}case:case-3`, 'reason', '5');
    await expect(store.get('case-3')).rejects.toThrow(/cannot be read: reason: /);
  });
});
