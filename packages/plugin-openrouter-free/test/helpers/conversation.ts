import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { ChannelType, type AgentRuntime, type Content, type UUID } from '@elizaos/core';
import { callPriority } from '../../src/fallback/call-priority.js';

/** One model call a message triggered: its type, what it was for, and the priority the plugin gave it. */
export interface RecordedCall {
  modelType: string;
  purpose: string;
  priority: 'reply' | 'background';
}

/** What one prompt is for, read from the core's and plugin-bootstrap's templates. */
function purposeOf(prompt: string, evaluator: string | undefined): string {
  if (evaluator) return `evaluator ${evaluator}`;
  if (prompt.includes('<action>') && /RESPOND/.test(prompt)) return 'should-respond';
  if (prompt.includes('<actions>') && prompt.includes('<text>')) return 'reply';
  return 'other';
}

/**
 * Records every `useModel` call of `runtime` (type, purpose, the plugin's priority). Evaluators are
 * named by wrapping their handlers, so a call inside one is attributed to it.
 */
export function recordModelCalls(runtime: AgentRuntime): RecordedCall[] {
  const calls: RecordedCall[] = [];
  const inEvaluator = new AsyncLocalStorage<string>();
  for (const ev of runtime.evaluators) {
    const handler = ev.handler.bind(ev);
    ev.handler = (...args) => inEvaluator.run(ev.name, () => handler(...args));
  }
  const useModel = runtime.useModel.bind(runtime);
  runtime.useModel = ((modelType: string, params: { prompt?: string }, provider?: string) => {
    const prompt = typeof params?.prompt === 'string' ? params.prompt : '';
    calls.push({ modelType, purpose: purposeOf(prompt, inEvaluator.getStore()), priority: callPriority(modelType, {}) });
    return useModel(modelType as never, params as never, provider);
  }) as AgentRuntime['useModel'];
  return calls;
}

export interface Room {
  roomId: UUID;
  worldId: UUID;
  entityId: UUID;
  type: ChannelType;
}

/** A room with one human in it, of `type` (DM: the core skips should-respond; GROUP: it asks TEXT_SMALL). */
export async function openRoom(runtime: AgentRuntime, type: ChannelType = ChannelType.DM): Promise<Room> {
  const room: Room = { roomId: randomUUID() as UUID, worldId: randomUUID() as UUID, entityId: randomUUID() as UUID, type };
  await runtime.ensureConnection({
    entityId: room.entityId,
    roomId: room.roomId,
    worldId: room.worldId,
    userName: 'person',
    name: 'Person',
    source: 'test',
    type,
    channelId: room.roomId,
  });
  return room;
}

/**
 * One user message through the core's message service (what the server does for every client),
 * with plugin-bootstrap's evaluators after the reply. Returns what the agent sent back.
 */
export async function sendMessage(runtime: AgentRuntime, room: Room, text: string, opts: { stream?: boolean } = {}): Promise<Content[]> {
  const replies: Content[] = [];
  const memory = {
    id: randomUUID() as UUID,
    entityId: room.entityId,
    agentId: runtime.agentId,
    roomId: room.roomId,
    worldId: room.worldId,
    content: { text, source: 'test', channelType: room.type },
    createdAt: Date.now(),
  };
  await runtime.messageService!.handleMessage(
    runtime,
    memory,
    async (content) => {
      replies.push(content);
      return [];
    },
    opts.stream ? { onStreamChunk: async () => {} } : undefined,
  );
  return replies.filter((c) => typeof c.text === 'string' && c.text !== '');
}
