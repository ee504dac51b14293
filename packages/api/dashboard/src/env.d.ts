// esbuild bundles the stylesheet main.tsx imports into dashboard.css; the import has no value.
declare module '*.css';
