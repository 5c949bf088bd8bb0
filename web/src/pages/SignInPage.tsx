import { useState, type FormEvent } from 'react';
import { ApiError, type Api } from '../lib/api.ts';
import type { Session } from '../model.ts';

/** Sign in by pasting a Kubernetes bearer token (POST /api/session). */
export function SignInPage({ api, notice, onSignedIn }: { api: Api; notice: string | undefined; onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Paste a token first.');
      return;
    }
    setBusy(true);
    setError(undefined);
    api.signIn(value).then(
      (session) => {
        setToken('');
        onSignedIn(session);
      },
      (err: unknown) => {
        setBusy(false);
        if (err instanceof ApiError && err.status === 401) setError(`The cluster did not accept this token: ${err.message}`);
        else setError(err instanceof Error ? err.message : String(err));
      },
    );
  };

  return (
    <div className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true" />
          Governor
        </div>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">The dashboard acts as you: what you may see and do follows your Kubernetes RBAC.</p>
        {notice && (
          <p className="banner banner-info" role="status" data-testid="signin-notice">
            {notice}
          </p>
        )}
        <label htmlFor="signin-token" className="field-label">
          Kubernetes bearer token
        </label>
        <input
          id="signin-token"
          data-testid="signin-token"
          className="input"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="eyJhbGciOi…"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'signin-error' : 'signin-help'}
          autoFocus
        />
        <p id="signin-help" className="help">
          <code>kubectl create token &lt;service-account&gt; -n &lt;namespace&gt;</code> prints one. Or run <code>governor dashboard</code>, which opens this page signed in with your kubeconfig.
        </p>
        {error && (
          <p id="signin-error" className="form-error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" className="button primary wide" data-testid="signin-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
