import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDER_TYPES } from '../../api/notification.ts';
import { providerFor } from './index.ts';

test('every provider type has a builder; unknown types and prototype keys have none', () => {
  for (const type of PROVIDER_TYPES) assert.equal(typeof providerFor(type), 'function', type);
  assert.equal(providerFor('pagerduty'), undefined);
  assert.equal(providerFor('toString'), undefined);
});
