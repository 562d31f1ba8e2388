import type { ChallengeSessions } from './challenge-sessions';
import type { EmulatorClock } from './clock';
import { Router, type Route, type Services } from './cognito-local';

/** What every layer may use. `services.cognito` hands out the decorated user pools (user-pools.ts). */
export interface LayerDeps {
  services: Services;
  clock: EmulatorClock;
  challenges: ChallengeSessions;
  /** The whole router, layers included: an admin operation answers through its public twin this way. */
  route(target: string): Route;
}

/**
 * One operation's behaviour added on top of cognito-local. `wrap` gets `next`, which answers the way the
 * operation would without this layer: the layers after it, then cognito-local's own target (or its
 * `Unsupported` answer for an operation it lacks). A layer that adds a new operation ignores `next` for the
 * requests it handles.
 */
export interface Layer {
  /** The operation, as in `X-Amz-Target: AWSCognitoIdentityProviderService.<target>`. */
  target: string;
  /** The AWS API reference page the behaviour follows. */
  reference: string;
  wrap(next: Route, deps: LayerDeps): Route;
}

/** A check that runs before every operation (the access-token check). */
export type Guard = (next: Route, deps: LayerDeps, target: string) => Route;

/**
 * cognito-local's router with the layers in front: for each operation, the guards, then its layers in list
 * order (the first is outermost), then cognito-local's target. Routes are built once per operation.
 */
export function createLayeredRouter(
  services: Services,
  options: { clock: EmulatorClock; challenges: ChallengeSessions; layers: readonly Layer[]; guards: readonly Guard[] },
): { route: (target: string) => Route; deps: LayerDeps } {
  const base = Router(services);
  const built = new Map<string, Route>();
  const deps: LayerDeps = { services, clock: options.clock, challenges: options.challenges, route };
  function route(target: string): Route {
    let found = built.get(target);
    if (!found) {
      const layered = options.layers
        .filter((layer) => layer.target === target)
        .reduceRight<Route>((next, layer) => layer.wrap(next, deps), base(target));
      found = options.guards.reduceRight<Route>((next, guard) => guard(next, deps, target), layered);
      built.set(target, found);
    }
    return found;
  }
  return { route, deps };
}
