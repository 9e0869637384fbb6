// The RaptScallions app's signed URLs, made by its own packages from a .env.
//
//   node tests/js/presign.js ENV_FILE KEY CONTENT_TYPE   (NODE_PATH=<node_packages dir>/node_modules)
//
// Loads ENV_FILE with Node's dotenv into process.env (the app's way, so the SDK sees the
// AWS_* checksum settings there), builds the S3 client as the app's S3 backend does
// (region, static credentials; endpoint + forcePathStyle only when STORAGE_S3_ENDPOINT is
// set) and prints {"put": URL, "get": URL} as JSON, signed for
// STORAGE_SIGNED_URL_EXPIRATION_SECONDS (default 900).
"use strict";

const dotenv = require("dotenv");
const { S3Client, PutObjectCommand, GetObjectCommand } = require("@aws-sdk/client-s3");
const { getSignedUrl } = require("@aws-sdk/s3-request-presigner");

async function main([envFile, key, contentType]) {
  const loaded = dotenv.config({ path: envFile, quiet: true });
  if (loaded.error) throw loaded.error;
  const env = process.env;
  const endpoint = env.STORAGE_S3_ENDPOINT;
  const client = new S3Client({
    region: env.STORAGE_S3_REGION,
    credentials: { accessKeyId: env.STORAGE_S3_ACCESS_KEY_ID, secretAccessKey: env.STORAGE_S3_SECRET_ACCESS_KEY },
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
  const expiresIn = Number(env.STORAGE_SIGNED_URL_EXPIRATION_SECONDS || 900);
  const Bucket = env.STORAGE_S3_BUCKET;
  const put = await getSignedUrl(client, new PutObjectCommand({ Bucket, Key: key, ContentType: contentType }), { expiresIn });
  const get = await getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key }), { expiresIn });
  process.stdout.write(JSON.stringify({ put, get }) + "\n");
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`presign.js: ${error.name}: ${error.message}\n`);
  process.exit(1);
});
