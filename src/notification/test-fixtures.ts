/** What the notification tests share: an event about a Stack and a Provider spec with its defaults. */
import type { ProviderSpec, ProviderType } from '../api/notification.ts';
import type { NotificationEvent } from './event.ts';

export function stackEvent(overrides: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    involvedObject: { apiVersion: 'governor.dev/v1alpha1', kind: 'Stack', namespace: 'apps', name: 'web' },
    severity: 'info',
    reason: 'Applied',
    message: 'applied 3 objects',
    revision: `main@sha1:${'a'.repeat(40)}`,
    timestamp: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

export function providerSpec(type: ProviderType, extra: Partial<ProviderSpec> = {}): ProviderSpec {
  return { type, timeout: '15s', suspend: false, ...extra };
}
