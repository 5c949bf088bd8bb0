import type { EventView } from '../model.ts';
import { stackPath } from '../lib/routes.ts';
import { Link } from '../router.tsx';
import { Time } from './Time.tsx';

/** Events, newest first, as a timeline table. `showObject` adds the object column. */
export function EventList({ events, showObject, testid, empty = 'No events.' }: { events: readonly EventView[]; showObject?: boolean; testid?: string; empty?: string }) {
  if (events.length === 0) return <p className="empty" data-testid={testid}>{empty}</p>;
  return (
    <table className="table events" data-testid={testid}>
      <thead>
        <tr>
          <th scope="col" className="col-time">When</th>
          <th scope="col" className="col-type">Type</th>
          <th scope="col" className="col-reason">Reason</th>
          {showObject && <th scope="col">Object</th>}
          <th scope="col">Message</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event, i) => (
          <tr key={`${event.lastTimestamp}-${event.reason}-${event.object.name}-${i}`} data-testid="event-row" data-reason={event.reason}>
            <td className="nowrap">
              <Time iso={event.lastTimestamp} />
            </td>
            <td>
              <span className={`event-type event-${event.type.toLowerCase()}`}>{event.type}</span>
            </td>
            <td className="nowrap">
              {event.reason}
              {event.count > 1 && <span className="muted"> ×{event.count}</span>}
            </td>
            {showObject && (
              <td className="nowrap">
                <span className="muted">{event.object.kind}</span>{' '}
                {event.object.kind === 'Stack' && event.object.namespace ? (
                  <Link to={stackPath({ namespace: event.object.namespace, name: event.object.name })}>
                    {event.object.namespace}/{event.object.name}
                  </Link>
                ) : (
                  <>
                    {event.object.namespace ? `${event.object.namespace}/` : ''}
                    {event.object.name}
                  </>
                )}
              </td>
            )}
            <td className="message">
              <EventMessage text={event.message} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The first line of a message, the rest (the controller lists up to 20 changed objects, one a
 * line) behind a toggle: run together in one cell they were a wall of text.
 */
function EventMessage({ text }: { text: string }) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length <= 1) return <>{text}</>;
  const [first, ...rest] = lines;
  return (
    <details className="event-more">
      <summary>
        {first} <span className="muted small nowrap">+{rest.length} more</span>
      </summary>
      <div className="event-more-lines">{rest.join('\n')}</div>
    </details>
  );
}
