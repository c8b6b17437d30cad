// Where the page finds the API. Replaced when the page is published (the local run and the tests
// generate it; in AWS it is written beside index.html with the stack's ApiUrl, see docs/deploying.md).
export const config = { apiBase: 'http://localhost:8080' };
