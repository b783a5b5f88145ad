import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { BreakEven, VerdictMix } from '../charts';
import { campaigns, loadCampaigns, navigate } from '../state';

export function Campaigns() {
  const problem = useSignal<string | null>(null);
  const loading = useSignal(true);
  useEffect(() => {
    void loadCampaigns().then((message) => {
      problem.value = message;
      loading.value = false;
    });
  }, []);
  return (
    <main class="page">
      <div class="page__head">
        <h1>Campaigns</h1>
        <a class="button" href="/campaigns/new" onClick={link('/campaigns/new')}>
          New campaign
        </a>
      </div>
      {problem.value && (
        <p role="alert" class="error">
          {problem.value}
        </p>
      )}
      {loading.value ? (
        <p role="status">Loading campaigns…</p>
      ) : campaigns.value.length === 0 ? (
        <p>No campaigns yet. Write the first brief so reps see why their leads exist.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Status</th>
              <th scope="col">Channel</th>
              <th scope="col">Priority</th>
              <th scope="col">Verdict mix</th>
              <th scope="col">Break-even</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.value.map((brief) => (
              <tr key={brief.id}>
                <th scope="row">
                  <a href={`/campaigns/${brief.id}`} onClick={link(`/campaigns/${brief.id}`)}>
                    {brief.name}
                  </a>
                </th>
                <td>
                  <span class={`badge badge--${brief.status}`}>{brief.status}</span>
                </td>
                <td>{brief.channel}</td>
                <td>{brief.priority}</td>
                <td>
                  <VerdictMix stats={brief.stats} />
                </td>
                <td>
                  <BreakEven won={brief.stats.won} needed={brief.economics.breakEvenDeals} />
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
