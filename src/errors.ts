/**
 * The one error type of Governor. Each code is stable: it is the `reason` of a Stalled or
 * Ready=False condition, the `reason` of the Kubernetes Event, and a label value of the error
 * metrics. Add codes here; never rename one (dashboards and alerts match on them).
 */
export const ErrorCodes = {
  // configuration and input
  InvalidSpec: 'InvalidSpec',
  // source
  GitUrlRejected: 'GitUrlRejected',
  GitAuthFailed: 'GitAuthFailed',
  GitRepositoryNotFound: 'GitRepositoryNotFound',
  GitRefNotFound: 'GitRefNotFound',
  GitTimeout: 'GitTimeout',
  GitOperationFailed: 'GitOperationFailed',
  ArtifactNotFound: 'ArtifactNotFound',
  SecretNotFound: 'SecretNotFound',
  // render
  PathNotFound: 'PathNotFound',
  PathEscapesCheckout: 'PathEscapesCheckout',
  InvalidYaml: 'InvalidYaml',
  InvalidObject: 'InvalidObject',
  DuplicateObject: 'DuplicateObject',
  KustomizeFailed: 'KustomizeFailed',
  RemoteBaseRefused: 'RemoteBaseRefused',
  SubstitutionFailed: 'SubstitutionFailed',
  EmptyRender: 'EmptyRender',
  // apply
  UnknownKind: 'UnknownKind',
  ApplyFailed: 'ApplyFailed',
  PruneFailed: 'PruneFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  HealthCheckTimeout: 'HealthCheckTimeout',
  InvalidExpression: 'InvalidExpression',
  // orchestration
  DependencyNotReady: 'DependencyNotReady',
  DependencyNotFound: 'DependencyNotFound',
  DependencyCycle: 'DependencyCycle',
  // kubernetes API
  KubeApiError: 'KubeApiError',
  // notification
  InvalidProvider: 'InvalidProvider',
  InvalidAlert: 'InvalidAlert',
  NotificationFailed: 'NotificationFailed',
  ProviderNotFound: 'ProviderNotFound',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class GovernorError extends Error {
  readonly code: ErrorCode;
  /** Extra machine-readable context (file, line, object id, …); never secret values. */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GovernorError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isGovernorError(err: unknown, code?: ErrorCode): err is GovernorError {
  return err instanceof GovernorError && (code === undefined || err.code === code);
}
