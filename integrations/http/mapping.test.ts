import { describe, expect, it } from 'vitest';
import { loadIntegrationFolder } from 'port-tide/node';
import { mapKind } from 'port-tide/testing';
import { POSTS, TODOS, USERS } from './test-support.ts';

const mapping = loadIntegrationFolder('integrations/http').resources.portAppConfig!;

// A related entity called "null" would be created by Port (createMissingRelatedEntities defaults to true).
describe('the shipped mapping never makes "null" of a missing id', () => {
  it('an item without an id gives no entity; one without its author or parent relates to nothing', async () => {
    const { id: _, ...postWithoutId } = POSTS[0];
    const { userId: __, ...postWithoutAuthor } = POSTS[1];
    const posts = await mapKind(mapping, 'post', [POSTS[0], postWithoutId, postWithoutAuthor]);
    expect(posts.entities.map((p) => [p.identifier, p.relations!.author])).toEqual([
      ['1', '1'],
      ['2', null],
    ]);
    expect(posts.dropped).toBe(1);
    const todos = await mapKind(mapping, 'todo', [{ ...TODOS[0], __parent: USERS[0] }, { ...TODOS[1], __parent: {} }]);
    expect(todos.entities.map((t) => [t.identifier, t.relations!.user])).toEqual([
      ['1', '1'],
      ['2', null],
    ]);
  });
});
