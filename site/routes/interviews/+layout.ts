// The coding view needs the browser (text selection, keyboard shortcuts) and the matrix autosaves, so the Interviews
// pages ship JavaScript; every form still posts and works without it (progressive enhancement).
export const csr = true;
