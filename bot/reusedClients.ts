import type { Activity } from 'botbuilder';
import {
  type AuthenticateRequestResult,
  BotFrameworkAuthentication,
  type BotFrameworkClient,
  type ClaimsIdentity,
  ConnectorFactory,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';

/** A small map that forgets its oldest entry past `max` (service URLs are few; this only bounds a flood). */
class Recent<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  set(key: string, value: V): V {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, value);
    return value;
  }
}

class ReusedConnectors extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly clients: Recent<Promise<ConnectorClient>>,
  ) {
    super();
  }
  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = `${this.appId}\n${serviceUrl}\n${audience ?? ''}`;
    const made = this.clients.get(key);
    if (made) return made;
    const client = this.clients.set(key, this.inner.create(serviceUrl, audience));
    // A failed creation (credentials not reachable) is not kept: the next turn tries again.
    client.catch(() => this.clients.delete(key));
    return client;
  }
}

/**
 * Bot Framework authentication whose connector and user-token clients are made once per app,
 * service URL and audience and then reused. botbuilder builds both, each with a full HTTP pipeline,
 * on every incoming activity — even on `expectReplies` turns that never call the connector; the
 * profile of a saturated kefu put that at about a twentieth of its CPU. The clients are stateless
 * HTTP clients (their credentials refresh their own tokens), so sharing them across turns is safe.
 */
export class ReusedClientsAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Recent<Promise<ConnectorClient>>(256);
  private readonly tokenClients = new Recent<Promise<UserTokenClient>>(16);

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: this.reuse(result.connectorFactory, result.claimsIdentity) };
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
    return { ...result, connectorFactory: this.reuse(result.connectorFactory, result.claimsIdentity) };
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reuse(this.inner.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const key = appIdOf(claimsIdentity);
    const made = this.tokenClients.get(key);
    if (made) return made;
    const client = this.tokenClients.set(key, this.inner.createUserTokenClient(claimsIdentity));
    client.catch(() => this.tokenClients.delete(key));
    return client;
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private reuse(factory: ConnectorFactory | undefined, claims: ClaimsIdentity): ConnectorFactory {
    // An undefined factory stays undefined, as botbuilder expects of an unauthenticated result.
    return factory ? new ReusedConnectors(factory, appIdOf(claims), this.connectors) : (factory as unknown as ConnectorFactory);
  }
}

/** The app a token speaks for (v1 tokens name it `appid`, v2 `azp`): clients are kept per app. */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.claims
    .filter((c) => c.type === 'appid' || c.type === 'azp')
    .map((c) => c.value)
    .join('|');
}
