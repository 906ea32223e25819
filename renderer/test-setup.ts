// Adds the DOM matchers (toBeInTheDocument, toHaveTextContent, …) to every component test.
import '@testing-library/jest-dom/vitest';
