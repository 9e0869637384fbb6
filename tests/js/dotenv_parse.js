// Prints, as JSON, what the app's dotenv package reads from the .env file named by argv[2].
// Run with NODE_PATH set to the node_modules folder scripts/node_packages.py installed.
const fs = require("fs");
const dotenv = require("dotenv");
process.stdout.write(JSON.stringify(dotenv.parse(fs.readFileSync(process.argv[2]))));
