import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionTone, healthLabel, healthTone, stateLabel, stateTone, STATES, total } from './states.ts';

test('every State has a label and a tone', () => {
  for (const state of STATES) {
    assert.ok(stateLabel(state));
    assert.ok(stateTone(state));
  }
  assert.equal(stateTone('ready'), 'ok');
  assert.equal(stateTone('progressing'), 'busy');
  assert.equal(stateTone('failed'), 'bad');
  assert.equal(stateTone('drifted'), 'warn');
  assert.equal(stateTone('suspended'), 'off');
});

test('health tones follow the graph legend', () => {
  assert.equal(healthTone('Current'), 'ok');
  assert.equal(healthTone('InProgress'), 'busy');
  assert.equal(healthTone('Failed'), 'bad');
  assert.equal(healthTone('Terminating'), 'off');
  assert.equal(healthTone('NotFound'), 'off');
  assert.equal(healthTone('Unknown'), 'none');
  assert.equal(healthLabel('InProgress'), 'In progress');
});

test('conditionTone', () => {
  assert.equal(conditionTone({ type: 'Ready', status: 'True' }), 'ok');
  assert.equal(conditionTone({ type: 'Ready', status: 'False' }), 'bad');
  assert.equal(conditionTone({ type: 'Ready', status: 'Unknown' }), 'busy');
  assert.equal(conditionTone({ type: 'Stalled', status: 'True' }), 'bad');
  assert.equal(conditionTone({ type: 'Reconciling', status: 'False' }), 'none');
  assert.equal(conditionTone({ type: 'Drifted', status: 'True' }), 'warn');
});

test('total', () => {
  assert.equal(total({ ready: 3, failed: 2 }), 5);
  assert.equal(total({}), 0);
});
