import { afterAll, describe, expect, it } from 'vitest';
import { createGithubStandIn, ORG } from './github-stand-in.ts';

const stand = createGithubStandIn({ token: 'ghp_stand_in' });
afterAll(() => stand.close());

const get = (url: string, token = 'ghp_stand_in') => ({ url, init: { headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json' } } });

describe('the GitHub stand-in', () => {
  it('answers the same in process and over loopback, with links under the root it was asked on', async () => {
    const loopback = await stand.listen();
    const page = `/orgs/${ORG}/repos?per_page=100&type=all`;
    const inProcess = get(`https://api.github.com${page}`);
    const overLoopback = get(`${loopback}${page}`);
    const a = await stand.fetch(new Request(inProcess.url, inProcess.init));
    const b = await fetch(overLoopback.url, overLoopback.init);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await b.json()).toEqual(await a.json());
    expect(a.headers.get('link')).toBe(
      '<https://api.github.com/organizations/9919/repos?per_page=100&type=all&page=2>; rel="next", <https://api.github.com/organizations/9919/repos?per_page=100&type=all&page=3>; rel="last"',
    );
    expect(b.headers.get('link')).toBe(a.headers.get('link')!.replaceAll('https://api.github.com', loopback));
    expect(b.headers.get('x-ratelimit-remaining')).toBe('4999');

    const wrong = get(`${loopback}${page}`, 'wrong');
    const denied = await fetch(wrong.url, wrong.init);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ message: 'Bad credentials' });
    expect(stand.requests.map((r) => r.authorization)).toEqual(['Bearer ghp_stand_in', 'Bearer ghp_stand_in', 'Bearer wrong']);
  });
});
