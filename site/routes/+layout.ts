// Dashboard pages are server-rendered HTML with the charts inline and need no JavaScript: shipping none keeps them
// small and fast and means there is nothing to hydrate. Pages that need the browser (the upload preview) turn it on.
export const csr = false;
