// The dashboard's shell: sign-in, navigation by hash route, the controld-unreachable banner.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { allows, onReachability, onTokenRefused, probeScope, session, type Scope } from './api';
import { useRoute } from './hooks';
import { live } from './live';
import { Login } from './pages/login';
import { Overview } from './pages/overview';
import { DomainList } from './pages/domains';
import { DomainPage } from './pages/domain';
import { CreateDomain } from './pages/create';
import { PciPage } from './pages/pci';
import { ImagesPage } from './pages/images';
import { TokensPage } from './pages/tokens';
import './style.css';

function Banner() {
  const [down, setDown] = useState(false);
  useEffect(() => onReachability((ok) => setDown(!ok)), []);
  if (!down) return null;
  return (
    <div class="banner" role="alert">
      controld is unreachable — the page keeps what it last saw and reconnects by itself.
    </div>
  );
}

function App() {
  const [scope, setScope] = useState<Scope | null>(null);
  const [checking, setChecking] = useState(!!session.token);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  useEffect(
    () =>
      onTokenRefused(() => {
        signOut();
        setNotice('controld refused the token (revoked?): sign in again.');
      }),
    [],
  );

  // A token kept for this tab: find its scope again after a reload.
  useEffect(() => {
    const t = session.token;
    if (!t) return;
    probeScope(t)
      .then(signedIn)
      .catch(() => (session.token = null))
      .finally(() => setChecking(false));
  }, []);

  function signedIn(s: Scope) {
    setNotice(null);
    setScope(s);
    live.start();
  }

  function signOut() {
    live.stop();
    session.token = null;
    setScope(null);
    location.hash = '#/';
  }

  if (checking) return <p class="boot">Signing in…</p>;
  if (!scope) {
    return (
      <>
        <Banner />
        <Login onSignedIn={signedIn} notice={notice} />
      </>
    );
  }

  const [page, arg] = route;
  let body;
  if (page === 'domains' && arg) body = <DomainPage idOrName={arg} scope={scope} />;
  else if (page === 'domains') body = <DomainList />;
  else if (page === 'create' && allows(scope, 'admin')) body = <CreateDomain />;
  else if (page === 'images') body = <ImagesPage admin={allows(scope, 'admin')} />;
  else if (page === 'pci') body = <PciPage scope={scope} />;
  else if (page === 'tokens' && allows(scope, 'admin')) body = <TokensPage />;
  else body = <Overview />;

  const link = (href: string, label: string, active: boolean) => (
    <a href={href} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <header class="top">
        <span class="brand">Keel</span>
        <nav aria-label="Main">
          {link('#/', 'Overview', !page)}
          {link('#/domains', 'Domains', page === 'domains')}
          {allows(scope, 'admin') ? link('#/create', 'Create domain', page === 'create') : null}
          {link('#/images', 'Images', page === 'images')}
          {link('#/pci', 'PCI devices', page === 'pci')}
          {allows(scope, 'admin') ? link('#/tokens', 'Tokens', page === 'tokens') : null}
        </nav>
        <span class="who">
          scope <strong data-testid="scope">{scope}</strong>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <Banner />
      <main>{body}</main>
    </>
  );
}

const root = document.getElementById('app')!;
root.textContent = ''; // the "Loading" placeholder shown until this script runs
render(<App />, root);
