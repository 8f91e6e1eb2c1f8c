/** Shared by the workers vitest config (Node) and the tests (workerd). */
export const CLIENT_ID = 'workers-test-client';
export const CLIENT_SECRET = 'workers-test-secret-7d1e';
export const IDENTIFIER = 'fake-workers';
/** 5 departments × 10,000 = 50,000 persons. */
export const PERSONS_PER_DEPARTMENT = 10_000;
/** The token the GitHub stand-in (integrations/github/github-stand-in.ts) accepts, for integrations.test.ts. */
export const GITHUB_TOKEN = 'ghp_workers_test_token';
