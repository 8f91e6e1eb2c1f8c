/**
 * What every stepped run shares, a full resync (steps.ts) and an incremental run (incremental.ts) alike: a slot
 * holding its JSON checkpoint, saved only while the run still owns it, and the one-go form that runs the steps
 * back to back with no budget (Node, Deno).
 */

/** Where one run's checkpoint lives between its steps; `save` is durable when it resolves. */
export interface CheckpointSlot<C> {
  load(): Promise<C | undefined>;
  save(checkpoint: C): Promise<void>;
  clear(): Promise<void>;
}

/**
 * A slot in memory. With `copies` (default) checkpoints go through JSON as a durable store keeps them, so a step
 * that fails after changing its checkpoint resumes from the last save; without, the saved object itself is kept
 * (a run in one go, which never resumes from a save).
 */
export function createMemorySlot<C>(copies = true): CheckpointSlot<C> {
  let saved: string | C | undefined;
  return {
    async load() {
      if (saved === undefined) return undefined;
      return typeof saved === 'string' ? (JSON.parse(saved) as C) : saved;
    },
    async save(checkpoint) {
      saved = copies ? JSON.stringify(checkpoint) : checkpoint;
    },
    async clear() {
      saved = undefined;
    },
  };
}

/** Open a run: forget any stored one, then store its first checkpoint. */
export async function beginRun<C>(slot: CheckpointSlot<C>, checkpoint: C): Promise<void> {
  await slot.clear();
  await slot.save(checkpoint);
}

/** Checkpoint, unless the run was stopped or a newer run replaced it while the step awaited: never overwrite that one. */
export async function saveIfOwned<C>(slot: CheckpointSlot<C>, checkpoint: C, id: (c: C) => string, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const stored = await slot.load();
  if (stored === undefined || id(stored) !== id(checkpoint) || signal.aborted) return;
  await slot.save(checkpoint);
}

/** Forget the stored run at its end, unless a newer one took the slot. */
export async function clearIfOwned<C>(slot: CheckpointSlot<C>, checkpoint: C, id: (c: C) => string): Promise<void> {
  const stored = await slot.load();
  if (stored !== undefined && id(stored) === id(checkpoint)) await slot.clear();
}

/**
 * A run in one go: `step` back to back until it ends with a report. A fault of Tide itself (a thrown step) ends
 * the run through `abandon` rather than leaving it half done; only when that has nothing to report does it throw.
 */
export async function runToEnd<R>(
  step: () => Promise<{ status: 'idle' | 'continue' | 'done' | 'aborted'; report?: R }>,
  abandon: (reason: string) => Promise<R | undefined>,
): Promise<R> {
  for (;;) {
    try {
      const result = await step();
      if ((result.status === 'done' || result.status === 'aborted') && result.report) return result.report;
      if (result.status === 'idle') throw new Error('the checkpoint disappeared');
    } catch (error) {
      const report = await abandon(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
      if (report) return report;
      throw error;
    }
  }
}
