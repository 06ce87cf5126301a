// Who is signed in: the token exchanged for an API key, and what /me says the caller may do.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onSessionExpired, setToken } from './api';
import type { Me, TokenResponse } from './types';

export interface Session {
  me: Me;
  expiresAt: number;
}

interface SessionContextValue {
  session: Session | undefined;
  notice: string | undefined;
  signIn: (apiKey: string) => Promise<void>;
  signOut: (notice?: string) => void;
  can: (permission: string) => boolean;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const signOut = useCallback((message?: string) => {
    setToken(undefined);
    setSession(undefined);
    setNotice(message);
  }, []);

  useEffect(() => onSessionExpired(() => signOut('Your session ended: sign in again.')), [signOut]);

  const signIn = useCallback(async (apiKey: string) => {
    const t = await api<TokenResponse>('tenant-registry', '/api/v1/auth/token', {
      method: 'POST',
      body: { api_key: apiKey },
    });
    setToken(t.access_token);
    try {
      const me = await api<Me>('tenant-registry', '/api/v1/me');
      setNotice(undefined);
      setSession({ me, expiresAt: Date.now() + t.expires_in * 1000 });
    } catch (e) {
      setToken(undefined);
      throw e;
    }
  }, []);

  // Tokens are short-lived and never stored: when one expires the user signs in again.
  useEffect(() => {
    if (!session) return undefined;
    const timer = setTimeout(
      () => signOut('Your session expired: sign in again.'),
      Math.max(0, session.expiresAt - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [session, signOut]);

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      notice,
      signIn,
      signOut,
      can: (permission) => session?.me.permissions.includes(permission) ?? false,
    }),
    [session, notice, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
