import type { ReactNode } from 'react';

/** A titled card on a page. */
export function Section({ title, aside, children, testid, className }: { title: string; aside?: ReactNode; children: ReactNode; testid?: string; className?: string }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={`card section${className ? ` ${className}` : ''}`} aria-labelledby={id} data-testid={testid}>
      <header className="section-head">
        <h2 id={id}>{title}</h2>
        {aside && <div className="section-aside">{aside}</div>}
      </header>
      {children}
    </section>
  );
}
