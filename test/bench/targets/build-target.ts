import { buildAppTarget } from './app-target';
import { buildOpenIdConnectTarget } from './openid-connect';
import { buildPlainTarget } from './plain';
import { buildSessionOnlyTarget } from './session-only';
import type { BuiltTarget, TargetSpec } from './types';

/** Builds the target a spec names. */
export function buildTarget(spec: TargetSpec): Promise<BuiltTarget> {
  switch (spec.kind) {
    case 'app':
      return buildAppTarget(spec);
    case 'openid-connect':
      return buildOpenIdConnectTarget(spec);
    case 'session-only':
      return buildSessionOnlyTarget(spec);
    case 'plain':
      return buildPlainTarget();
  }
}
