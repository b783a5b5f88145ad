/** A join code traded for a bearer token, as the extension does when a rep links it. */
export async function linkWithCode(workspaceUrl: string, code: string): Promise<string> {
  const response = await fetch(`${workspaceUrl}/api/v1/link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (response.status !== 200) throw new Error(`link: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}
