export { RequestEditor } from './RequestEditor.js';
export { useEditorOpener } from './open-editor.js';
