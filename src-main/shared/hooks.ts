import { InputError } from './errors.js';

export const HOOK_KINDS = ['hook_resid_pre', 'hook_resid_mid', 'hook_resid_post', 'hook_attn_out', 'hook_mlp_out'] as const;
export type HookKind = (typeof HOOK_KINDS)[number];

export interface HookPoint {
  layer: number;
  kind: HookKind;
}

const HOOK_PATTERN = /^blocks\.(\d+)\.(hook_\w+)$/;

export function hookName(point: HookPoint): string {
  return `blocks.${point.layer}.${point.kind}`;
}

export function parseHookName(name: string): HookPoint {
  const match = HOOK_PATTERN.exec(name.trim());
  const kind = match?.[2] as HookKind | undefined;
  if (!match || !kind || !HOOK_KINDS.includes(kind)) {
    throw new InputError(`Unknown hook '${name}': expected blocks.L.{${HOOK_KINDS.join(',')}}.`);
  }
  return { layer: Number(match[1]), kind };
}

/** Hooks in the order a forward pass produces them; resid_post of L is resid_pre of L+1, so it sorts just before it. */
export function hookOrder(point: HookPoint): number {
  const rank: Record<HookKind, number> = { hook_resid_pre: 0, hook_attn_out: 1, hook_resid_mid: 2, hook_mlp_out: 3, hook_resid_post: 4 };
  return point.layer * 5 + rank[point.kind];
}

export function allHookNames(layerCount: number): string[] {
  const names: string[] = [];
  for (let layer = 0; layer < layerCount; layer++) {
    for (const kind of HOOK_KINDS) names.push(hookName({ layer, kind }));
  }
  return names;
}
