/** A failed fetch, with a way to try again. */
export function ErrorBanner({ error, onRetry, what }: { error: Error; onRetry?: () => void; what?: string }) {
  return (
    <div className="banner banner-error" role="alert" data-testid="app-error">
      <span>
        <strong>{what ? `Could not load ${what}.` : 'Something went wrong.'}</strong> {error.message}
      </span>
      {onRetry && (
        <button type="button" className="button subtle" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
