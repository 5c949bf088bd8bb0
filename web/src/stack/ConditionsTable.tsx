import { Time } from '../components/Time.tsx';
import { conditionTone } from '../lib/states.ts';
import type { ConditionView } from '../model.ts';

export function ConditionsTable({ conditions }: { conditions: ConditionView[] }) {
  if (conditions.length === 0) return <p className="empty" data-testid="stack-conditions">No conditions reported yet.</p>;
  return (
    <table className="table" data-testid="stack-conditions">
      <thead>
        <tr>
          <th scope="col">Type</th>
          <th scope="col">Status</th>
          <th scope="col">Reason</th>
          <th scope="col">Message</th>
          <th scope="col">Since</th>
        </tr>
      </thead>
      <tbody>
        {conditions.map((c) => (
          <tr key={c.type} data-testid="condition-row" data-type={c.type} data-status={c.status}>
            <th scope="row" className="nowrap">
              {c.type}
            </th>
            <td>
              <span className={`badge tone-${conditionTone(c)}`}>
                <span className="dot" aria-hidden="true" />
                {c.status}
              </span>
            </td>
            <td className="nowrap">{c.reason}</td>
            <td className="message">{c.message}</td>
            <td className="nowrap">
              <Time iso={c.lastTransitionTime} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
