import type http from 'node:http';
import path from 'node:path';
import { ChallengeSessions } from './challenge-sessions';
import { EmulatorClock } from './clock';
import {
  CognitoServiceFactoryImpl,
  ConsoleMessageSender,
  createServer,
  createTriggerBackends,
  loadConfig,
  MessageDeliveryService,
  MessagesService,
  otp,
  TriggersService,
  UserPoolServiceFactoryImpl,
  type Logger,
  type Services,
} from './cognito-local';
import { attachHostedUi } from './hosted-ui/routes';
import { createLayeredRouter } from './registry';
import { GUARDS, LAYERS } from './targets';
import { attachTestControls } from './test-controls';
import { EmulatorTokenGenerator } from './token-generator';
import { EmulatorDataStoreFactory } from './data-store';
import { decorateCognito } from './user-pools';

/** Options of {@link createEmulatorServer}. */
export interface EmulatorServerOptions {
  /** Working directory: cognito-local's `.cognito/config.json` and `.cognito/db/` are under it. */
  dir: string;
  logger: Logger;
  /** Serve the loopback-only test controls (the clock). */
  testControls: boolean;
}

/**
 * cognito-local 5.3.0's server, built from its own services as its `createDefaultServer` builds them, with
 * the fidelity layer in front: the layered router for the JSON API (targets/), the Hosted UI and token
 * endpoint (hosted-ui/), and the test controls. Listening address and port come from cognito-local's own
 * configuration (`PORT`, `HOST`, `.cognito/config.json`).
 */
export async function createEmulatorServer(options: EmulatorServerOptions): Promise<{ start: () => Promise<http.Server>; clock: EmulatorClock }> {
  const { logger } = options;
  const ctx = { logger };
  const configDir = path.join(options.dir, '.cognito');
  const dataDir = path.join(configDir, 'db');
  const config = await loadConfig(ctx, new EmulatorDataStoreFactory(configDir));
  const clock = new EmulatorClock();
  const stores = new EmulatorDataStoreFactory(dataDir);
  const cognito = decorateCognito(
    await new CognitoServiceFactoryImpl(dataDir, stores, new UserPoolServiceFactoryImpl(clock, stores)).create(ctx, config.UserPoolDefaults),
    clock,
  );
  const { lambda, crypto } = createTriggerBackends(config);
  const triggers = new TriggersService(clock, cognito, lambda as never, crypto as never);
  const services: Services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new EmulatorTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const { route, deps } = createLayeredRouter(services, { clock, challenges: new ChallengeSessions(clock), layers: LAYERS, guards: GUARDS });
  // Without `services`, cognito-local attaches no OAuth routes of its own: the Hosted UI's take their place.
  const server = createServer(route, logger, config.ServerConfig);
  attachHostedUi(server.application, deps);
  if (options.testControls) attachTestControls(server.application, clock);
  return { start: server.start, clock };
}
