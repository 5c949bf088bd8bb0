import type { ReactNode } from 'react';
import { useApp, useLiveStatus } from '../app-context.ts';
import { parseRoute } from '../lib/routes.ts';
import { Link, useLocation } from '../router.tsx';

const NAV = [
  { to: '/', label: 'Overview', page: 'overview', testid: 'nav-overview' },
  { to: '/stacks', label: 'Stacks', page: 'stacks', testid: 'nav-stacks' },
  { to: '/sources', label: 'Sources', page: 'sources', testid: 'nav-sources' },
] as const;

const LIVE_TEXT = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', stopped: 'Offline' } as const;

/** The frame of every signed-in page: brand, navigation, live status, the user and sign out. */
export function Shell({ children }: { children: ReactNode }) {
  const { session, signOut } = useApp();
  const { pathname } = useLocation();
  const route = parseRoute(pathname);
  const current = route.page === 'stack' ? 'stacks' : route.page;
  const status = useLiveStatus();
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Governor overview">
          <span className="brand-mark" aria-hidden="true" />
          Governor
        </Link>
        <nav aria-label="Main" className="nav">
          {NAV.map((item) => (
            <Link key={item.to} to={item.to} data-testid={item.testid} className="nav-link" aria-current={current === item.page ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <span className={`live-status live-${status}`} data-testid="live-status" data-status={status} title="Updates from the cluster as they happen">
            <span className="dot" aria-hidden="true" />
            {LIVE_TEXT[status]}
          </span>
          <span className="user" title={`${session.user}${session.groups.length ? `\nGroups: ${session.groups.join(', ')}` : ''}\nSigned in with ${session.mode === 'kubeconfig' ? 'a kubeconfig (governor dashboard)' : 'a bearer token'}`}>
            <span className="user-label">Signed in as</span>{' '}
            <strong data-testid="user-name">{session.user}</strong>
          </span>
          <button type="button" className="button subtle" data-testid="signout" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="main" id="main">
        {children}
      </main>
    </div>
  );
}
