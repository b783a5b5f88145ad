import { td } from '../../../lib/i18n/dashboard';
import { BreakEven, VerdictMix } from '../charts';
import { Problem } from '../problem';
import { navigate, notice } from '../state';
import { useModel } from '../use-model';
import { createCampaignsModel } from './campaigns-model';

export function Campaigns() {
  const model = useModel(createCampaignsModel, (m) => m.load());
  const { loading, problem, rows } = model;
  return (
    <main class="page">
      <div class="page__head">
        <h1>{td('campaignsTitle')}</h1>
        <a class="button" href="/campaigns/new" onClick={link('/campaigns/new')}>
          {td('campaignsNew')}
        </a>
      </div>
      {notice.value && (
        <p id="page-notice" class="notice" tabIndex={-1}>
          {notice.value}
        </p>
      )}
      <Problem message={problem.value} />
      {loading.value ? (
        <p role="status">{td('campaignsLoading')}</p>
      ) : rows.value.length === 0 ? (
        problem.value ? null : (
          <p>{td('campaignsEmpty')}</p>
        )
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{td('campaignsColCampaign')}</th>
              <th scope="col">{td('campaignsColStatus')}</th>
              <th scope="col">{td('campaignsColChannel')}</th>
              <th scope="col">{td('campaignsColPriority')}</th>
              <th scope="col">{td('campaignsColMix')}</th>
              <th scope="col">{td('campaignsColBreakEven')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.value.map((row) => (
              <tr key={row.id}>
                <th scope="row">
                  <a href={row.href} onClick={link(row.href)}>
                    {row.name}
                  </a>
                </th>
                <td>
                  <span class={`badge badge--${row.status}`}>{row.statusLabel}</span>
                </td>
                <td>{row.channel}</td>
                <td>{row.priorityLabel}</td>
                <td>
                  <VerdictMix stats={row.stats} />
                </td>
                <td>
                  <BreakEven won={row.stats.won} needed={row.breakEvenDeals} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

/** A link that moves within the dashboard without reloading it (and still works as a plain link). */
export function link(to: string) {
  return (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
}
