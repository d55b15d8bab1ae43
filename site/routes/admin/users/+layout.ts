// The account forms post and work without JavaScript; with it (use:enhance) a change updates the page in place,
// keeping the admin's place on it, instead of reloading.
export const csr = true;
