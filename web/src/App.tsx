import { Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';

import { SessionProvider } from './auth/session';
import { HomeRedirect, RequireSignedOut, RequireSignIn } from './components/Guards';
import { Layout } from './components/Layout';
import { Loading } from './components/Loading';
import NotFoundPage from './pages/NotFoundPage';
import { routes } from './routes';

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route
              index
              element={
                <RequireSignIn>
                  <HomeRedirect />
                </RequireSignIn>
              }
            />
            {routes.map(({ path, page: Page, access }) => {
              const content = (
                <Suspense fallback={<Loading />}>
                  <Page />
                </Suspense>
              );
              return (
                <Route
                  key={path}
                  path={path}
                  element={
                    access === 'signedIn' ? (
                      <RequireSignIn>{content}</RequireSignIn>
                    ) : access === 'signedOut' ? (
                      <RequireSignedOut>{content}</RequireSignedOut>
                    ) : (
                      content
                    )
                  }
                />
              );
            })}
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}
