import { Link } from '../router.tsx';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <div className="page">
      <div className="card empty-card">
        <h1>Nothing here</h1>
        <p className="muted">
          No page at <code>{path}</code>.
        </p>
        <Link to="/">Back to the overview</Link>
      </div>
    </div>
  );
}
