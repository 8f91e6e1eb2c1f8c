/**
 * The mapping benchmarks' workloads, shared by bench/mapping.ts (Node) and bench/mapping-workerd.ts (workerd): items,
 * the mapping, and a hand-written JavaScript function building the same entity bodies (the ceiling).
 *
 * Every program uses only features Debian's jq 1.6 has, so the jq CLI runs the very same programs.
 */

export interface Workload {
  name: string;
  selector: string;
  /** `mappings` of a port app config resource. */
  mappings: { identifier: string; title: string; blueprint: string; properties: Record<string, string>; relations: Record<string, string> };
  item: (i: number) => Record<string, unknown>;
  /** The entity body Tide builds, written by hand; undefined when the selector rejects the item. */
  handWritten: (item: Record<string, unknown>) => Record<string, unknown> | undefined;
}

const pad = 'lorem ipsum dolor sit amet '.repeat(24);

/** 10 fields over ~1 KB items: paths, a literal, a default, string concatenation, map, split. */
export const tenFields: Workload = {
  name: '10-field mapping',
  selector: '.archived | not or true',
  mappings: {
    identifier: '.id',
    title: '.name + " (" + .owner.login + ")"',
    blueprint: '"service"',
    properties: {
      url: '.html_url',
      language: '.language // "unknown"',
      stars: '.stargazers_count',
      topics: '.topics | map(ascii_downcase)',
      archived: '.archived',
      updated: '.updated_at | split("T") | first',
    },
    relations: { team: '.owner.team' },
  },
  item: (i) => ({
    id: `repo-${i}`,
    name: `repository-${i}`,
    html_url: `https://github.example/org/repository-${i}`,
    language: i % 5 === 0 ? null : ['Go', 'TypeScript', 'Python'][i % 3],
    stargazers_count: i % 1000,
    topics: ['Platform', `Team-${i % 20}`],
    archived: i % 10 === 0,
    updated_at: '2026-05-01T10:00:00Z',
    owner: { login: `org-${i % 7}`, team: `team-${i % 20}` },
    description: pad,
  }),
  handWritten: (it: any) => ({
    identifier: it.id,
    title: `${it.name} (${it.owner.login})`,
    blueprint: 'service',
    properties: {
      url: it.html_url,
      language: it.language ?? 'unknown',
      stars: it.stargazers_count,
      topics: it.topics.map((t: string) => t.replace(/[A-Z]/g, (c) => c.toLowerCase())),
      archived: it.archived,
      updated: it.updated_at.split('T')[0],
    },
    relations: { team: it.owner.team },
  }),
};

const LABELS = ['bug', 'P1', 'P2', 'feature', 'team:payments', 'team:search', 'docs'];

/** A pull-request mapping in the style of Ocean's GitHub integration, using the constructs common in real mappings. */
export const mixed: Workload = {
  name: 'mixed mapping',
  selector: '(.draft | not) and .user.type != "Bot"',
  mappings: {
    identifier: '.base.repo.full_name + "-" + (.number | tostring)',
    title: '.title',
    blueprint: '"githubPullRequest"',
    properties: {
      status: 'if .merged_at != null then "merged" elif .state == "closed" then "closed" else "open" end',
      creator: '.user.login',
      assignees: '[.assignees[].login]',
      reviewers: '[.requested_reviewers[]?.login] | unique',
      labels: '[.labels[].name | ascii_downcase]',
      priority: '[.labels[].name | select(startswith("P"))] | first // "P3"',
      team: '(.labels | map(.name | select(test("^team:"))) | first // "team:none") | sub("^team:"; "")',
      jira: '.head.ref | split("/") | last | split("-") | .[0:2] | join("-") | ascii_upcase',
      size: '(.additions + .deletions) as $n | if $n > 500 then "L" elif $n > 100 then "M" else "S" end',
      comments: '.comments | tonumber? // 0',
      leadTimeHours: 'if .merged_at then ((.merged_at | fromdateiso8601) - (.created_at | fromdateiso8601)) / 3600 else null end',
      createdDay: '.created_at | fromdateiso8601 | todate | split("T") | first',
      isBugfix: 'any(.labels[]; .name == "bug")',
      reviewersInternal: 'all(.requested_reviewers[]?; .login | startswith("dev-"))',
      mentionsTests: '.body | contains("test")',
      topics: '.base.repo.topics | sort_by(length) | map(ascii_upcase)',
      labelGroups: '.labels | group_by(.name | startswith("team:")) | map(length)',
      meta: '.meta | to_entries | map(select(.value != null)) | from_entries',
      metaKeys: '.meta | keys | join(",")',
      cleanTitle: '.title | gsub("[^A-Za-z0-9 ]"; "") | ascii_downcase',
      url: '"https://github.com/" + .base.repo.full_name + "/pull/" + (.number | tostring)',
      closedOrDraft: '.draft or .state == "closed"',
      hasOwner: '.meta | has("owner")',
      ownerTeam: 'try (.meta.owner | ltrimstr("team-") | tonumber) catch -1',
    },
    relations: {
      repository: '.base.repo.full_name',
      author: '.user.login',
      ticket: '[.body | capture("(?<k>[A-Z]+-[0-9]+)") | .k] | first',
    },
  },
  item: (i) => ({
    number: i,
    title: `Fix #${i}: handle módulo-${i % 50} edge case (v2)`,
    state: i % 3 === 0 ? 'closed' : 'open',
    draft: i % 11 === 0,
    user: { login: `dev-${i % 40}`, type: i % 17 === 0 ? 'Bot' : 'User' },
    labels: LABELS.filter((_, k) => (i + k) % 3 === 0).map((name) => ({ name, color: 'ededed' })),
    assignees: [{ login: `dev-${i % 9}` }, { login: `dev-${(i + 4) % 9}` }],
    requested_reviewers: i % 4 === 0 ? [] : [{ login: `dev-${i % 5}` }, { login: i % 6 === 0 ? 'external' : `dev-${i % 5}` }],
    created_at: `2026-0${1 + (i % 9)}-1${i % 10}T0${i % 10}:15:00Z`,
    merged_at: i % 4 === 0 ? `2026-0${1 + (i % 9)}-1${i % 10}T1${i % 10}:45:30Z` : null,
    head: { ref: `feature/JIRA-${1000 + i}-thing-${i % 7}`, sha: `abc${i}` },
    base: { ref: 'main', repo: { full_name: `acme/service-${i % 30}`, topics: ['backend', 'go', `area-${i % 4}`, 'platform'] } },
    additions: (i * 37) % 700,
    deletions: (i * 13) % 200,
    comments: i % 8 === 0 ? 'n/a' : String(i % 25),
    body: i % 5 === 0 ? 'No ticket here, just a test' : `Implements JIRA-${1000 + i}. Adds a regression test. ${pad}`,
    meta: { env: i % 2 ? 'prod' : 'staging', tier: null, owner: i % 3 ? `team-${i % 4}` : null },
  }),
  handWritten: (it: any) => {
    if (it.draft || it.user.type === 'Bot') return undefined;
    const lower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
    const upper = (s: string): string => s.replace(/[a-z]/g, (c) => c.toUpperCase());
    const labelNames: string[] = it.labels.map((l: { name: string }) => l.name);
    const reviewers: string[] = (it.requested_reviewers ?? []).map((r: { login: string }) => r.login);
    const n = it.additions + it.deletions;
    const seconds = (iso: string): number => Date.parse(iso) / 1000;
    const comments = /^-?\d+$/.test(it.comments) ? Number(it.comments) : 0;
    const team = labelNames.filter((l) => /^team:/.test(l))[0] ?? 'team:none';
    const meta = Object.fromEntries(Object.entries(it.meta).filter(([, v]) => v !== null));
    const groups = [labelNames.filter((l) => !l.startsWith('team:')).length, labelNames.filter((l) => l.startsWith('team:')).length].filter((x) => x > 0);
    const ticket = /[A-Z]+-[0-9]+/.exec(it.body);
    return {
      identifier: `${it.base.repo.full_name}-${it.number}`,
      title: it.title,
      blueprint: 'githubPullRequest',
      properties: {
        status: it.merged_at !== null ? 'merged' : it.state === 'closed' ? 'closed' : 'open',
        creator: it.user.login,
        assignees: it.assignees.map((a: { login: string }) => a.login),
        reviewers: [...new Set(reviewers)].sort(),
        labels: labelNames.map(lower),
        priority: labelNames.filter((l) => l.startsWith('P'))[0] ?? 'P3',
        team: team.replace(/^team:/, ''),
        jira: upper(it.head.ref.split('/').at(-1).split('-').slice(0, 2).join('-')),
        size: n > 500 ? 'L' : n > 100 ? 'M' : 'S',
        comments,
        leadTimeHours: it.merged_at ? (seconds(it.merged_at) - seconds(it.created_at)) / 3600 : null,
        createdDay: it.created_at.split('T')[0],
        isBugfix: labelNames.includes('bug'),
        reviewersInternal: reviewers.every((r) => r.startsWith('dev-')),
        mentionsTests: it.body.includes('test'),
        topics: [...it.base.repo.topics].sort((a: string, b: string) => a.length - b.length).map(upper),
        labelGroups: groups,
        meta,
        metaKeys: Object.keys(it.meta).sort().join(','),
        cleanTitle: lower(it.title.replace(/[^A-Za-z0-9 ]/g, '')),
        url: `https://github.com/${it.base.repo.full_name}/pull/${it.number}`,
        closedOrDraft: it.draft || it.state === 'closed',
        hasOwner: Object.hasOwn(it.meta, 'owner'),
        ownerTeam: typeof it.meta.owner === 'string' ? Number(it.meta.owner.replace(/^team-/, '')) : -1,
      },
      relations: { repository: it.base.repo.full_name, author: it.user.login, ticket: ticket ? ticket[0] : null },
    };
  },
};

export const WORKLOADS = [tenFields, mixed];

/** The mapping as one jq program (for the jq CLI): the selector, then the entity body. */
export function cliProgram(w: Workload): string {
  const obj = (o: Record<string, unknown>): string =>
    `{${Object.entries(o)
      .map(([k, v]) => `${JSON.stringify(k)}: ${typeof v === 'string' ? `(${v})` : obj(v as Record<string, unknown>)}`)
      .join(', ')}}`;
  return `select(${w.selector}) | ${obj(w.mappings)}`;
}
