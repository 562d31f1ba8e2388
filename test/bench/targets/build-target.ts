import { buildGuardedTarget } from './guarded-app';
import { buildOpenIdConnectTarget } from './openid-connect';
import { buildPlainTarget } from './plain';
import { buildReferenceAppTarget } from './reference-app';
import { buildSessionOnlyTarget } from './session-only';
import type { BuiltTarget, TargetSpec } from './types';

/** Builds the target a spec names. */
export function buildTarget(spec: TargetSpec): Promise<BuiltTarget> {
  switch (spec.kind) {
    case 'guarded':
      return buildGuardedTarget(spec);
    case 'app':
      return buildReferenceAppTarget(spec);
    case 'openid-connect':
      return buildOpenIdConnectTarget(spec);
    case 'session-only':
    case 'session-tiny':
      return buildSessionOnlyTarget(spec);
    case 'plain':
      return buildPlainTarget();
  }
}
