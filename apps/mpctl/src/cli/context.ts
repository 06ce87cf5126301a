// What every command gets: the plane's APIs, the output, the environment and the saved profile.
import { ApiKeyTokenSource, StaticTokenSource, type TokenSource } from '@auraison/client';
import { CliError, UsageError } from './errors.js';
import { Output } from './output.js';
import { Plane } from './plane.js';
import { profilePath, readProfile, resolveEndpoints, type Endpoints, type Profile } from './profile.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Io {
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  env: NodeJS.ProcessEnv;
  tty?: boolean;
}

export interface TenantRef {
  id: string;
  slug?: string;
}

export class Context {
  readonly profilePath: string;
  readonly profile: Profile;
  readonly endpoints: Endpoints;
  readonly plane: Plane;
  readonly out: Output;
  private tenantCache = new Map<string, TenantRef>();

  constructor(
    readonly io: Io,
    json: boolean,
  ) {
    this.profilePath = profilePath(io.env);
    this.profile = readProfile(this.profilePath);
    this.endpoints = resolveEndpoints(this.profile, io.env);
    this.plane = new Plane(this.endpoints, this.tokenSource());
    this.out = new Output(json, io.stdout, io.stderr, io.tty ?? false);
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  /** MP_TOKEN (an access token) > MP_API_KEY > the profile's key. */
  private tokenSource(): TokenSource | undefined {
    if (this.io.env.MP_TOKEN) return new StaticTokenSource(this.io.env.MP_TOKEN);
    const apiKey = this.io.env.MP_API_KEY || this.profile.api_key;
    return apiKey ? new ApiKeyTokenSource({ registryUrl: this.endpoints.registry, apiKey }) : undefined;
  }

  /**
   * A tenant named by id or slug; the caller's own tenant when none is given. Slugs are looked up in the
   * tenant list (platform admins see every tenant, others their own).
   */
  async tenant(ref: string | undefined): Promise<TenantRef> {
    if (!ref) return { id: (await this.plane.caller()).tenantId };
    if (UUID.test(ref)) return { id: ref.toLowerCase() };
    const cached = this.tenantCache.get(ref);
    if (cached) return cached;
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(ref))
      throw new UsageError(`--tenant ${JSON.stringify(ref)} is neither a tenant id (UUID) nor a slug`);
    let cursor: string | undefined;
    do {
      const page = await this.plane.get<{
        items: Array<{ id: string; slug: string }>;
        next_cursor: string | null;
      }>('registry', '/api/v1/tenants', { query: { limit: 100, cursor } });
      const hit = page.items.find((t) => t.slug === ref);
      if (hit) {
        const found = { id: hit.id, slug: hit.slug };
        this.tenantCache.set(ref, found);
        return found;
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    throw new CliError(
      `no tenant with slug ${ref} is visible to you`,
      '`mpctl tenants list` shows the tenants you can see',
    );
  }
}
