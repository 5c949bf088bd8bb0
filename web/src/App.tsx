import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AppContext, type AppContextValue } from './app-context.ts';
import { Shell } from './components/Shell.tsx';
import { ApiError, createApi } from './lib/api.ts';
import { createLiveHub } from './lib/live.ts';
import { loginCodeFromHash, parseRoute } from './lib/routes.ts';
import type { Session } from './model.ts';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { SourcesPage } from './pages/SourcesPage.tsx';
import { StacksPage } from './pages/StacksPage.tsx';
import { useLocation } from './router.tsx';

// The Stack page carries React Flow; it loads when first opened.
const StackPage = lazy(() => import('./pages/StackPage.tsx').then((m) => ({ default: m.StackPage })));

type Phase = { phase: 'checking' } | { phase: 'signed-out'; notice?: string } | { phase: 'signed-in'; session: Session } | { phase: 'unreachable'; message: string };

/** Removes `#login=…` from the address bar (the code is single-use, and not for the history). */
function dropFragment() {
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
}

export function App() {
  const [state, setState] = useState<Phase>({ phase: 'checking' });
  const sessionRef = useRef<Session | undefined>(undefined);
  sessionRef.current = state.phase === 'signed-in' ? state.session : undefined;

  const api = useMemo(
    () =>
      createApi({
        csrfToken: () => sessionRef.current?.csrfToken,
        onUnauthorized: () => setState((s) => (s.phase === 'signed-in' ? { phase: 'signed-out', notice: 'Your session ended. Sign in again.' } : s)),
      }),
    [],
  );

  const live = useMemo(
    () =>
      createLiveHub({
        open: (url) => new EventSource(url, { withCredentials: true }),
        // The stream was refused for good: ask the API whether the session is still there.
        onLost: () => {
          api.session().catch((error: unknown) => {
            if (error instanceof ApiError && error.status === 401) setState({ phase: 'signed-out', notice: 'Your session ended. Sign in again.' });
          });
        },
      }),
    [api],
  );

  const check = useCallback(() => {
    setState({ phase: 'checking' });
    const code = loginCodeFromHash(window.location.hash);
    if (code) {
      dropFragment();
      api.signInWithCode(code).then(
        (session) => setState({ phase: 'signed-in', session }),
        (error: unknown) =>
          setState({
            phase: 'signed-out',
            notice: `The sign-in link did not work (${error instanceof Error ? error.message : String(error)}); it may have expired or been used. Run governor dashboard again, or paste a token.`,
          }),
      );
      return;
    }
    api.session().then(
      (session) => setState({ phase: 'signed-in', session }),
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setState({ phase: 'signed-out' });
        else setState({ phase: 'unreachable', message: error instanceof Error ? error.message : String(error) });
      },
    );
  }, [api]);

  // Once on load (a login code is single-use, so never twice, not even in StrictMode's rehearsal).
  const checked = useRef(false);
  useEffect(() => {
    if (checked.current) return;
    checked.current = true;
    check();
  }, [check]);

  const signedIn = state.phase === 'signed-in';
  useEffect(() => {
    if (!signedIn) return;
    live.start();
    return () => live.stop();
  }, [signedIn, live]);

  const signOut = useCallback(() => {
    api.signOut().finally(() => setState({ phase: 'signed-out', notice: 'Signed out.' }));
  }, [api]);

  const context = useMemo<AppContextValue | null>(
    () => (state.phase === 'signed-in' ? { api, session: state.session, live, signOut } : null),
    [api, live, signOut, state],
  );

  if (state.phase === 'checking') {
    return (
      <div className="splash" role="status">
        Loading…
      </div>
    );
  }
  if (state.phase === 'unreachable') {
    return (
      <div className="splash">
        <div className="card splash-card" role="alert">
          <h1>The dashboard is unreachable</h1>
          <p>{state.message}</p>
          <button type="button" className="button primary" onClick={check}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  if (state.phase === 'signed-out' || !context) {
    return <SignInPage api={api} notice={state.phase === 'signed-out' ? state.notice : undefined} onSignedIn={(session) => setState({ phase: 'signed-in', session })} />;
  }
  return (
    <AppContext.Provider value={context}>
      <Shell>
        <Page />
      </Shell>
    </AppContext.Provider>
  );
}

function Page() {
  const { pathname } = useLocation();
  const route = parseRoute(pathname);
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'stacks':
      return <StacksPage />;
    case 'stack':
      return (
        <Suspense
          fallback={
            <div className="page">
              <p className="loading" role="status">
                Loading…
              </p>
            </div>
          }
        >
          <StackPage key={`${route.key.namespace}/${route.key.name}`} stackKey={route.key} />
        </Suspense>
      );
    case 'sources':
      return <SourcesPage />;
    default:
      return <NotFoundPage path={route.path} />;
  }
}
