// Fake hosts only: the sandbox must never name (or reach) a real service.
export const PLATFORM = 'https://platform.sandbox.invalid';
export const MEDIA = 'https://media.sandbox.invalid';
export const VIDEO = 'https://v.sandbox.invalid';
export const MEMBRANE_UI = 'https://app.sandbox.invalid';
