import frozen from '../database/migrations/data/programme-catalogue-v1.json';
import { DEFAULT_CATALOGUE } from './default-catalogue';

describe('the catalogue seeded by the migration', () => {
  it('is exactly DEFAULT_CATALOGUE (change both on purpose, with a new migration)', () => {
    expect(JSON.parse(JSON.stringify(DEFAULT_CATALOGUE))).toEqual(frozen);
  });
});
